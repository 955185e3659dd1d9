"""Messages for stale pictures, models loaded onto another series, and settings pulled back into range."""

EN = {
    "faults.stale.data": "These pictures show the model trained on **{model_data}**, not **{data}**, the data set loaded now. Train again to see a model of the new data.",
    "faults.stale.val": "The validation part changed from {was} to {now} [[point|points]] after this model was trained: its validation loss and best epoch still use {was}. Train again to use the new split.",
    "faults.stale.split": "The test part changed from {was} to {now} points after this model was trained: the pictures and scores still use {was}. Train again to use the new split.",
    "faults.stale.warming": "A new model is training. Until it finishes its first epoch, these pictures still show the previous model.",
    "faults.mismatch.head": "This model file comes from another series than the one loaded now: {reasons}. What it predicts here says little; train a new model on this series.",
    "faults.mismatch.name": "it was trained on “{saved}”, this is “{current}”",
    "faults.mismatch.freq": "it saw one point {saved}, this series has one {current}",
    "faults.mismatch.scale": "the values it learned from ran from {saved_low} to {saved_high} (as the model reads them, after any log or differencing), this series' run from {current_low} to {current_high} read the same way",
    "faults.mismatch.join": "; ",
    "faults.forecast.zoomed": "The chart opens on the test part and the forecast. The strip below it shows all {n} points: drag its handles to see more of the series.",
    "faults.uploader.button": "Upload",
    "faults.uploader.limit": "{mb}MB per file",
    "faults.sat.low": "< 0.1 shut",
    "faults.sat.middle": "between",
    "faults.sat.high": "> 0.9 open",
    "faults.clamped": "{name} must be between {low} and {high}: {typed} was changed to {value}, which is what Train will use.",
}

ZH = {
    "faults.stale.data": "这些图显示的是在 **{model_data}** 上训练的模型，而不是当前载入的数据集 **{data}**。请重新训练，看看新数据上的模型。",
    "faults.stale.val": "这个模型训练之后，验证部分从 {was} 个点改成了 {now} 个点：它的验证损失和最佳轮次仍按 {was} 个点计算。请重新训练以使用新的划分。",
    "faults.stale.split": "这个模型训练之后，测试部分从 {was} 个点改成了 {now} 个点：图和分数仍按 {was} 个点计算。请重新训练以使用新的划分。",
    "faults.stale.warming": "新模型正在训练。在它完成第一轮之前，这些图显示的仍是上一个模型。",
    "faults.mismatch.head": "这个模型文件来自另一个序列，而不是当前载入的序列：{reasons}。它在这里的预测说明不了什么；请在这个序列上训练新模型。",
    "faults.mismatch.name": "它是在“{saved}”上训练的，这里是“{current}”",
    "faults.mismatch.freq": "它的数据是{saved}一个点，这个序列是{current}一个点",
    "faults.mismatch.scale": "它学习时读到的值在 {saved_low} 到 {saved_high} 之间（即模型读到的值，经过对数或差分之后），这条序列按同样方式读取后在 {current_low} 到 {current_high} 之间",
    "faults.mismatch.join": "；",
    "faults.forecast.zoomed": "图表先显示测试部分和预测。下方的细条显示全部 {n} 个点：拖动它两端的手柄即可查看更多序列。",
    "faults.uploader.button": "上传",
    "faults.uploader.limit": "每个文件不超过 {mb} MB",
    "faults.sat.low": "<0.1 关",
    "faults.sat.middle": "之间",
    "faults.sat.high": ">0.9 开",
    "faults.clamped": "{name}必须在 {low} 到 {high} 之间：输入的 {typed} 已改为 {value}，训练将使用这个值。",
}
