"""Messages of the server's safety checks: reading bounds, the compute budget, model files, column choice."""

EN = {
    "safety.too_many_cells": "“{name}” has {n_columns} columns and too many lines to read them all on a shared server. With {n_columns} columns LSTM Lens reads at most {max_rows:,} lines: keep only the time column and the series you want to forecast, or a shorter period, save as CSV and upload again.",
}

ZH = {
    "safety.too_many_cells": "“{name}”有 {n_columns} 列，行数太多，共享服务器无法全部读取。有 {n_columns} 列时 LSTM Lens 最多读取 {max_rows:,} 行：请只保留时间列和要预测的序列，或缩短时间段，另存为 CSV 后再上传。",
}
