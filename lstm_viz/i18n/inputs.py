"""Messages of several input columns (covariates): the Data page's choice, refusals, and what the other pages say."""

EN: dict[str, str] = {
    # refusals
    "inputs.unknown": "“{column}” cannot be an input beside the target “{target}”: an input must be another numeric column of the same file. Columns that can: {allowed}.",
    "inputs.too_many": "{n} other inputs chosen; at most {max} fit a classroom model. Keep the few that should help most.",
    "inputs.not_covering": "“{column}” has no value at {n} of the target “{target}”'s time steps (at its start or end), and LSTM Lens never invents an input's values. Choose another column, or shorten the file to the span where both have values.",
    "inputs.future_unknown": "A forecast of {steps} steps would need the other inputs' values past the end of the data; only {known} step(s) can be forecast with every input known.",
    "inputs.stale": "The model reads {model}, but the Data page now gives {now}. The pictures are the model's; train again to use the inputs chosen now.",
    # Data page
    "inputs.pick": "Other inputs (optional)",
    "inputs.pick.help": "Other numeric columns of the same file the model reads at every step, beside the target's own past (covariates: the minimum temperature, the rain, the wind …). Each is scaled on the training part only. The model still predicts the target alone. Empty: the target's past only.",
    "inputs.chosen": "The model will read {D} values at each step: {names}. Each is scaled on the training part only; a log or differencing from the Train page applies to the target alone.",
    # Forecast page
    "inputs.forecast_note": "This model also reads {covariates}. Their values after the data ends are not known, and LSTM Lens does not invent them: the forecast beyond the data goes only {steps} step (the last window's inputs are all known). The recursive test forecast feeds back its own {target} but reads the actual {covariates} of the test part, as if they were known in advance, so the one-step-ahead scores are the fair comparison. To forecast further ahead, train on {target} alone (Data page: no other inputs).",
    # Gates figure and One cell by hand
    "inputs.fig.scaled": "inputs, scaled",
    "inputs.cell.x": "The {D} inputs at this step, scaled as the model reads them",
    "inputs.cell.wx": "W_x: the weights on the inputs, one column per input ({D}), one row per gate",
    "inputs.gates_note": "Above the heatmaps, every input the model reads is its own line, scaled as the model reads it (the target and each covariate have their own scale, fitted on the training part).",
}

ZH: dict[str, str] = {
    "inputs.unknown": "“{column}”不能作为目标列“{target}”之外的输入：输入必须是同一文件中的另一个数值列。可以选的列：{allowed}。",
    "inputs.too_many": "选了 {n} 个其他输入；课堂模型最多用 {max} 个。请只保留最可能有帮助的几个。",
    "inputs.not_covering": "“{column}”在目标列“{target}”的 {n} 个时间步（开头或结尾）没有值，而 LSTM Lens 从不编造输入的值。请选择其他列，或把文件截短到两列都有值的时间段。",
    "inputs.future_unknown": "预测 {steps} 步需要数据结束之后其他输入的值；在所有输入都已知的情况下只能预测 {known} 步。",
    "inputs.stale": "模型读取的是 {model}，但数据页现在给出的是 {now}。图中显示的是该模型；要使用现在选择的输入，请重新训练。",
    "inputs.pick": "其他输入（可选）",
    "inputs.pick.help": "同一文件中的其他数值列，模型在每一步除了读取目标列自身的过去值外还会读取它们（协变量：最低气温、降雨、风速……）。每一列都只在训练部分上缩放。模型仍然只预测目标列。留空：只用目标列的过去值。",
    "inputs.chosen": "模型每一步将读取 {D} 个值：{names}。每个值都只在训练部分上缩放；训练页的对数或差分只作用于目标列。",
    "inputs.forecast_note": "这个模型还读取 {covariates}。数据结束之后它们的值是未知的，LSTM Lens 不会编造：超出数据的预测只走 {steps} 步（最后一个窗口的输入都已知）。测试部分的递归预测把自己预测的 {target} 反馈回去，但读取的是测试部分中 {covariates} 的实际值，相当于提前知道了它们，因此单步预测的得分才是公平的比较。要预测更远，请只用 {target} 训练（数据页：不选其他输入）。",
    "inputs.fig.scaled": "输入（已缩放）",
    "inputs.cell.x": "这一步的 {D} 个输入，按模型读取时的缩放值",
    "inputs.cell.wx": "W_x：输入的权重，每个输入一列（共 {D} 列），每个门一行",
    "inputs.gates_note": "热图上方，模型读取的每个输入各画成一条线，按模型读取时的缩放值显示（目标列和每个协变量各有自己的缩放，在训练部分上拟合）。",
}
