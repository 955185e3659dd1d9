"""Messages of honest evaluation: the train / validation / test split, baselines, backtests, verdicts."""

EN: dict[str, str] = {
    # the three-way split
    "windows.val_size": "The validation part cannot be negative (got {val_size}). Use 0 for none.",
    "windows.not_enough_val": "The series has {n} points, but a window of {window}, a validation part of {val_size}, a test part of {test_size} and a few training windows need at least {need}. Use a shorter window, smaller validation or test parts, or a longer series.",
    "eval.split.title": "Training, validation and test parts",
    "eval.split.val_size": "Validation points",
    "eval.split.val_size.help": "Points just before the test part. After every epoch the model is scored on them: that validation loss picks the best epoch. 0 means no validation part (then no best epoch).",
    "eval.split.note": "Training part: {n_fit} points (the model learns from them). Validation part: {val} points (they choose the best epoch). Test part: {test} points (used once, for the verdict on the Forecast page).",
    "eval.split.explain": "**Why three parts?** The model learns from the *training* part. After each epoch it is scored on the *validation* part, which it never learns from; the epoch with the lowest validation loss is the best one. The *test* part is kept sealed until the end and used once, on the Forecast page, to judge the finished model. If you chose the epoch by looking at the test part, the test would no longer be a fair exam: the score would flatter the model. The scaling of the values is also fitted on the training part only. The suggested sizes are one season each when the series is long enough, otherwise about a tenth of the series.",
    "eval.train.split": "The model learns from {n_fit} training points; the validation loss is measured on the next {val} points and chooses the best epoch. The last {test} points (test) are not used here at all.",
    "eval.train.no_val": "This split has no validation part, so there is no validation loss and no best epoch. Set validation points on the Data page.",
    "eval.train.best": "Best epoch by validation loss: {epoch} (validation MSE {val_loss:.4g}, scaled values).",
    "eval.forecast.test_once": "The test part ({n} points) was never used in training or to choose the epoch: these scores are its first and only use.",
    # baselines and MASE
    "eval.mase.seasonal": "MASE divides the mean absolute error by that of the seasonal naive forecast (the value {season} steps earlier) on the training part: below 1 beats it.",
    "eval.mase.last_value": "MASE divides the mean absolute error by that of the naive forecast (the previous value; this series has no season) on the training part: below 1 beats it.",
    "eval.no_season": "This series has no known season, so there is no seasonal naive baseline: it would only repeat the last value under another name.",
    "data.note.season_off_grid": "Because {n} time step(s) are missing and were not filled in, a season of {season} rows would not be {season} time steps: no seasonal baseline is used for this series. Fill the gaps in the file to get one.",
}

ZH: dict[str, str] = {
    "windows.val_size": "验证部分不能为负数（当前为 {val_size}）。不需要验证部分请填 0。",
    "windows.not_enough_val": "序列有 {n} 个点，但窗口 {window}、验证部分 {val_size}、测试部分 {test_size} 再加上几个训练窗口至少需要 {need} 个点。请缩短窗口、减小验证或测试部分，或使用更长的序列。",
    "eval.split.title": "训练、验证与测试部分",
    "eval.split.val_size": "验证点数",
    "eval.split.val_size.help": "紧接在测试部分之前的点。每轮训练后都用它们给模型打分：这个验证损失决定最佳轮次。0 表示没有验证部分（也就没有最佳轮次）。",
    "eval.split.note": "训练部分：{n_fit} 个点（模型从中学习）。验证部分：{val} 个点（用来选出最佳轮次）。测试部分：{test} 个点（只在“预测”页用一次，给出结论）。",
    "eval.split.explain": "**为什么分三部分？** 模型从*训练*部分学习。每轮之后，用它从未学过的*验证*部分给它打分；验证损失最低的那一轮就是最佳轮次。*测试*部分一直封存到最后，只在“预测”页使用一次，用来评判训练好的模型。如果看着测试部分挑选轮次，测试就不再是公平的考试：分数会偏向模型。数值的缩放也只在训练部分上拟合。序列足够长时，建议的大小各为一个季节，否则约为序列的十分之一。",
    "eval.train.split": "模型从 {n_fit} 个训练点学习；验证损失在其后的 {val} 个点上计算，并用来选出最佳轮次。最后 {test} 个点（测试）在这里完全不使用。",
    "eval.train.no_val": "这个划分没有验证部分，因此没有验证损失，也没有最佳轮次。请在“数据”页设置验证点数。",
    "eval.train.best": "按验证损失的最佳轮次：第 {epoch} 轮（验证 MSE {val_loss:.4g}，缩放后的值）。",
    "eval.forecast.test_once": "测试部分（{n} 个点）从未用于训练或挑选轮次：这里的分数是它第一次、也是唯一一次被使用。",
    "eval.mase.seasonal": "MASE 把平均绝对误差除以训练部分上季节性朴素预测（{season} 步之前的值）的平均绝对误差：低于 1 表示胜过它。",
    "eval.mase.last_value": "MASE 把平均绝对误差除以训练部分上朴素预测（前一个值；这个序列没有季节）的平均绝对误差：低于 1 表示胜过它。",
    "eval.no_season": "这个序列没有已知的季节，因此没有季节性朴素基线：它只会换个名字重复最后一个值。",
    "data.note.season_off_grid": "由于缺少 {n} 个时间步且未补齐，{season} 行并不等于 {season} 个时间步：这个序列不使用季节性基线。请在文件中补齐缺口后再试。",
}
