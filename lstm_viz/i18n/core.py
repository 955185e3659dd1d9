"""Messages of the model config, the windows and the gate recorder."""

EN: dict[str, str] = {
    "config.cell": "Unknown cell type “{value}”. Choose lstm, gru or rnn.",
    "config.range": "The setting {name} = {value} is outside the allowed range {low} … {high}. Pick a value inside it.",
    "config.budget": "This run would take about {cost:,} seconds of the server's time (estimated from the epochs, training and test windows, window length, hidden size and layers, and the forecasts), more than one run may take here ({budget:,} s), since other students' runs wait while it trains. Use fewer epochs, a smaller hidden size, a larger batch, a shorter window or series, or a smaller test part.",
    "windows.too_short": "The series has {n} points, which is not more than the window of {window}. Use a shorter window or a longer series.",
    "windows.test_size": "The test part must hold at least one point (got {test_size}). Increase the test size.",
    "windows.window": "The window must be at least one step long (got {window}).",
    "windows.not_enough": "The series has {n} points, but a window of {window}, a test part of {test_size} and a few training windows need at least {need}. Use a shorter window, a smaller test part, or a longer series.",
    "recorder.proj_size": "The gate recorder does not support LSTMs with proj_size; use proj_size=0.",
    "recorder.batch_first": "The gate recorder expects a time-first core (batch_first=False).",
    "recorder.shape": "The input has shape {shape}; the recorder needs (time, {input_size}) or (time, batch, {input_size}).",
}

ZH: dict[str, str] = {
    "config.cell": "未知的单元类型“{value}”。请选择 lstm、gru 或 rnn。",
    "config.range": "设置 {name} = {value} 超出允许范围 {low} … {high}。请在此范围内选择。",
    "config.budget": "这次训练大约需要服务器 {cost:,} 秒（按轮数、训练和测试窗口数、窗口长度、隐藏层大小、层数以及预测估算），超过本服务器每次训练允许的 {budget:,} 秒，因为它训练时其他同学的训练都要排队等待。请减少轮数、减小隐藏层大小、增大批大小、使用更短的窗口或序列，或缩小测试部分。",
    "windows.too_short": "序列只有 {n} 个点，不多于窗口长度 {window}。请缩短窗口或使用更长的序列。",
    "windows.test_size": "测试部分至少要有一个点（当前为 {test_size}）。请增大测试集大小。",
    "windows.window": "窗口长度至少为 1 步（当前为 {window}）。",
    "windows.not_enough": "序列有 {n} 个点，但窗口 {window}、测试部分 {test_size} 再加上几个训练窗口至少需要 {need} 个点。请缩短窗口、减小测试部分，或使用更长的序列。",
    "recorder.proj_size": "门控记录器不支持带 proj_size 的 LSTM；请使用 proj_size=0。",
    "recorder.batch_first": "门控记录器要求时间维在前的网络（batch_first=False）。",
    "recorder.shape": "输入的形状是 {shape}；记录器需要 (时间, {input_size}) 或 (时间, 批次, {input_size})。",
}
