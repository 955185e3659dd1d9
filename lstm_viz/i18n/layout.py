"""Words of the screen layout and of numbers for people (issue 10: projector, phone, a 16-year-old reader)."""

EN = {
    "page.train.m.loss.help": "The loss is the mean squared error (MSE): the average of (prediction − actual)², measured on the values after scaling them to about −1 … 1, so series of any size compare. Lower is better. Training loss: on the windows the model learns from; validation loss: on windows it never trains on.",
    "page.train.m.epoch_of": "Epoch (of {epochs})",
    "page.train.m.epoch.help": "An epoch is one pass of training over all the training windows; this run makes {epochs}.",
}

ZH = {
    "page.train.m.loss.help": "损失是均方误差（MSE）：（预测值 − 实际值）² 的平均值，在把数值缩放到大约 −1 … 1 之后计算，所以不同大小的序列可以比较。越低越好。训练损失：在模型学习所用的窗口上计算；验证损失：在它从不训练的窗口上计算。",
    "page.train.m.epoch_of": "轮次（共 {epochs} 轮）",
    "page.train.m.epoch.help": "一轮（epoch）就是把所有训练窗口完整训练一遍；这次训练共 {epochs} 轮。",
}
