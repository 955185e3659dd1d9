"""Messages of the server's safety checks: reading bounds, the compute budget, model files, column choice."""

EN = {
    "safety.too_many_cells": "“{name}” has {n_columns} columns and too many lines to read them all on a shared server. With {n_columns} columns LSTM Lens reads at most {max_rows:,} lines: keep only the time column and the series you want to forecast, or a shorter period, save as CSV and upload again.",
    "safety.model_inflates": "This model file would unpack to {size_mb} MB, more than the {limit_mb} MB a model of LSTM Lens can have: it is not a model saved by LSTM Lens. Choose a model file saved by LSTM Lens (Downloads page → model).",
    "safety.odd_tensor": "The weight “{name}” in this model file is stored in a form LSTM Lens never writes ({what}), so it cannot be checked or used. Choose a model file saved by LSTM Lens (Downloads page → model), or save the model again.",
    "safety.split_cap": "A test part of {test_size:,} points and a horizon of {horizon:,} steps: here the test part may have at most {max_test:,} points and the horizon {max_horizon:,} steps, since the model predicts them step by step on the shared server. Choose a smaller test part or horizon.",
    "safety.outlier": "A value of “{column}” ({value}) lies more than a billion times the column's usual spread ({spread}) away from its middle ({center}). The model reads the series scaled to about −1 … 1, and a value that far out becomes infinite, so no run could train. Check the file for a typing or unit error at that value, or remove it.",
    "safety.model_inputs": "This model reads {input_size} values at each time step ({saved}), but the data set now gives it {current}: {names}. Your current model is kept. On the Data page choose the same target and other inputs as when the model was trained, or train a new model on these.",
    "safety.model_trial": "This model could not make a prediction on your series ({detail}), so it was not loaded; your current model is kept. Choose a model file saved by LSTM Lens, or train a new model.",
    "safety.note.other_column": "The column “{skipped}” cannot be forecast (it is constant, mostly empty or too short), so “{column}” is shown. Pick another column above if you meant a different one.",
    "safety.json": "“{name}” is a JSON file, not a table: LSTM Lens reads CSV, TSV or TXT files with one row per time step. Export the data as CSV (in a spreadsheet: Save As → CSV) and upload that.",
    "safety.html": "“{name}” is a web page (HTML or XML), not a table: perhaps the page was saved instead of the file it links to. Download the CSV file itself, or copy the table into a spreadsheet and Save As → CSV, then upload that.",
}

ZH = {
    "safety.too_many_cells": "“{name}”有 {n_columns} 列，行数太多，共享服务器无法全部读取。有 {n_columns} 列时 LSTM Lens 最多读取 {max_rows:,} 行：请只保留时间列和要预测的序列，或缩短时间段，另存为 CSV 后再上传。",
    "safety.model_inflates": "这个模型文件解压后会有 {size_mb} MB，超过 LSTM Lens 模型最多 {limit_mb} MB 的大小：它不是 LSTM Lens 保存的模型。请选择 LSTM Lens 保存的模型文件（下载页 → 模型）。",
    "safety.odd_tensor": "这个模型文件中的权重“{name}”以 LSTM Lens 从不使用的形式保存（{what}），无法检查或使用。请选择 LSTM Lens 保存的模型文件（下载页 → 模型），或重新保存模型。",
    "safety.split_cap": "测试部分 {test_size:,} 个点、预测步数 {horizon:,} 步：这里测试部分最多 {max_test:,} 个点，预测步数最多 {max_horizon:,} 步，因为模型要在共享服务器上逐步预测它们。请选择更小的测试部分或预测步数。",
    "safety.outlier": "“{column}”中有一个值（{value}）偏离中间值（{center}）超过该列通常波动幅度（{spread}）的十亿倍。模型读取的是缩放到约 −1 … 1 的序列，这么远的值会变成无穷大，任何训练都无法进行。请检查文件中这个值是否有录入或单位错误，或删除它。",
    "safety.model_inputs": "这个模型每个时间步读取 {input_size} 个值（{saved}），而当前数据集每步给它 {current} 个：{names}。你当前的模型保持不变。请在数据页选择与训练该模型时相同的目标列和其他输入，或用这些输入训练一个新模型。",
    "safety.model_trial": "这个模型无法对你的序列做出预测（{detail}），因此没有加载；你当前的模型保持不变。请选择 LSTM Lens 保存的模型文件，或训练一个新模型。",
    "safety.note.other_column": "列“{skipped}”无法用于预测（它是常数、大部分为空或太短），因此显示的是“{column}”。如果你想用别的列，请在上方选择。",
    "safety.json": "“{name}”是 JSON 文件，不是表格：LSTM Lens 读取每个时间步一行的 CSV、TSV 或 TXT 文件。请把数据导出为 CSV（在电子表格中：另存为 → CSV）后上传。",
    "safety.html": "“{name}”是网页（HTML 或 XML），不是表格：可能保存的是网页本身，而不是它链接的文件。请直接下载 CSV 文件，或把表格复制到电子表格中另存为 CSV，再上传。",
}
