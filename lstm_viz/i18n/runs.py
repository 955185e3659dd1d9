"""Messages of a training run as the student watches it: pacing, Stop, and runs that fail."""

EN = {
    "run.data_overflow": (
        "These data cannot be trained on: the largest value ({biggest:.3g}) becomes infinite when the series is "
        "scaled, so every run would fail in its first epoch. Divide the column by a large power of ten (or pick "
        "another column) on the Data page, then press Train again. Your current model is unchanged."),
    "run.diverged_at_once": (
        "Training failed in its first epoch: the loss was not a number (NaN or infinite), so this run left no "
        "model. Try a smaller learning rate, or check the data for huge or broken values on the Data page."),
    "run.kept_previous": "The model shown below is still your previous one.",
    "page.train.watch": "Watch it learn",
    "page.train.watch.help": (
        "Slows a short run down so that it lasts at least {seconds:.0f} s and you can see the loss, the forecast "
        "and the gates change. It only waits between epochs (it uses no computer time while waiting), and runs "
        "at full speed as soon as another student's run is waiting to train."),
    "page.train.settings_next_run": (
        "Changed settings apply to the next run: this run keeps the settings it started with. Press Stop, then "
        "Train, to use them now."),
    "page.train.kept_epoch": "Stopped: kept the model of epoch {epoch}, the one on the page when you pressed Stop.",
    "sidebar.training_here": "Training: follow it live on this page.",
}

ZH = {
    "run.data_overflow": (
        "这些数据无法训练：最大值（{biggest:.3g}）在缩放后变成无穷大，所以每次训练都会在第一轮失败。请在“数据”页面把该列除以"
        "一个很大的 10 的幂（或选择另一列），然后再点击“训练”。你当前的模型没有改变。"),
    "run.diverged_at_once": (
        "训练在第一轮就失败了：损失不是有效数字（NaN 或无穷大），因此这次训练没有留下模型。请试试更小的学习率，或在“数据”页面检查数据中"
        "是否有极大或错误的数值。"),
    "run.kept_previous": "下面显示的仍然是你之前的模型。",
    "page.train.watch": "慢速观看学习过程",
    "page.train.watch.help": (
        "让较短的训练放慢到至少 {seconds:.0f} 秒，这样你能看到损失、预测和门的变化。它只在两轮之间等待（等待时不占用计算时间），"
        "一旦有其他同学的训练在排队，就会全速运行。"),
    "page.train.settings_next_run": "修改后的设置用于下一次训练：本次训练保持开始时的设置。想现在使用，请先点击“停止”，再点击“训练”。",
    "page.train.kept_epoch": "已停止：保留了第 {epoch} 轮的模型，也就是你点击“停止”时页面上显示的那一轮。",
    "sidebar.training_here": "训练中：请在本页面实时查看。",
}
