"""Messages of the downloads and of loading a saved model (``lstm_viz.export``, ``lstm_viz.model_file``)."""

EN: dict[str, str] = {
    "export.length": "Cannot build the download: {name} has {got} values where {expected} were expected. This is a bug in the page; please report it.",
    "export.empty": "The uploaded file is empty. Choose the .pt file that LSTM Lens saved with “Download model”.",
    "export.too_big": "The file is {size_mb} MB, but a model file from LSTM Lens is at most {limit_mb} MB. Choose a model file saved by LSTM Lens.",
    "export.not_torch": "This file is not a PyTorch model file, or it is damaged or incomplete (for example a download that stopped early). Download the model from LSTM Lens again and upload that file.",
    "export.unsafe": "This file contains Python code or objects ({what}), not just numbers and weights. LSTM Lens opens model files in a safe mode that never runs code from a file, so it refused this one. Only upload model files saved by LSTM Lens.",
    "export.wrong_format": "This is a PyTorch file, but not a model saved by LSTM Lens (its “lstm-lens-model” marker or weights are missing). Save the model with “Download model” in LSTM Lens and upload that file.",
    "export.version": "This model file has format version {version}, but this LSTM Lens reads version {supported}. Save the model again with this version of the app.",
    "export.bad_config": "The settings stored in this model file are missing or invalid: {name} = {value}. The file was edited or not saved by LSTM Lens; save the model again from the app.",
    "export.config_range": "The model file asks for {name} = {value}, outside what this app allows ({low} … {high}). Train and save the model again with settings inside that range.",
    "export.bad_scaler": "The scaler stored in this model file is invalid (kind must be minmax or standard, shift a finite number, scale a positive finite number). Save the model again from LSTM Lens.",
    "export.mismatch": "The weights in this file do not fit a {cell} model with hidden_size {hidden_size} and num_layers {num_layers}. Missing: {missing}. Unexpected: {unexpected}. Wrong shape or type: {wrong_shape}. The file was edited or mixed up; save the model again from LSTM Lens.",
    "export.not_finite": "The weights in this file contain NaN or infinite values ({name}), so the model cannot predict. Train the model again (a smaller learning rate helps) and save it.",
}

ZH: dict[str, str] = {
    "export.length": "无法生成下载文件：{name} 有 {got} 个值，应为 {expected} 个。这是页面的程序错误，请报告给我们。",
    "export.empty": "上传的文件是空的。请选择 LSTM Lens 通过“下载模型”保存的 .pt 文件。",
    "export.too_big": "文件大小为 {size_mb} MB，而 LSTM Lens 保存的模型文件最大为 {limit_mb} MB。请选择由 LSTM Lens 保存的模型文件。",
    "export.not_torch": "这不是 PyTorch 模型文件，或者文件已损坏、不完整（例如下载中途中断）。请从 LSTM Lens 重新下载模型，再上传该文件。",
    "export.unsafe": "该文件中含有 Python 代码或对象（{what}），而不只是数字和权重。LSTM Lens 以安全模式打开模型文件，绝不执行文件中的代码，因此拒绝打开此文件。请只上传由 LSTM Lens 保存的模型文件。",
    "export.wrong_format": "这是一个 PyTorch 文件，但不是 LSTM Lens 保存的模型（缺少“lstm-lens-model”标记或权重）。请在 LSTM Lens 中用“下载模型”保存后再上传该文件。",
    "export.version": "该模型文件的格式版本为 {version}，而当前 LSTM Lens 只能读取版本 {supported}。请用当前版本的应用重新保存模型。",
    "export.bad_config": "模型文件中保存的设置缺失或无效：{name} = {value}。该文件被修改过，或不是由 LSTM Lens 保存的；请在应用中重新保存模型。",
    "export.config_range": "模型文件要求 {name} = {value}，超出本应用允许的范围（{low} … {high}）。请在此范围内重新设置、训练并保存模型。",
    "export.bad_scaler": "模型文件中保存的缩放器无效（kind 必须是 minmax 或 standard，shift 必须是有限数，scale 必须是正的有限数）。请在 LSTM Lens 中重新保存模型。",
    "export.mismatch": "该文件中的权重与 hidden_size 为 {hidden_size}、num_layers 为 {num_layers} 的 {cell} 模型不匹配。缺少：{missing}。多余：{unexpected}。形状或类型错误：{wrong_shape}。文件可能被修改或弄混了；请在 LSTM Lens 中重新保存模型。",
    "export.not_finite": "该文件中的权重含有 NaN 或无穷大（{name}），模型无法预测。请重新训练模型（调小学习率会有帮助）后再保存。",
}
