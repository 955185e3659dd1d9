"""Words of a background job's end (lstm_viz.jobs): cancelled, its student gone, an unexpected failure."""

EN: dict[str, str] = {
    "jobs.cancelled": "Cancelled. Nothing was changed; press the button again to start over.",
    "jobs.gone": "Stopped because this page was away for more than {seconds} s (closed, asleep or offline), so that it would not hold up other students. Nothing was changed; press the button again to start over.",
    "jobs.failed": "The computation stopped because of an unexpected problem ({detail}). Your data and model are unchanged; try again, perhaps with smaller settings.",
}

ZH: dict[str, str] = {
    "jobs.cancelled": "已取消，什么都没有改变；再按一次按钮即可重新开始。",
    "jobs.gone": "由于本页面离开超过 {seconds} 秒（已关闭、休眠或断网），为了不耽误其他同学，这次计算已停止。什么都没有改变；再按一次按钮即可重新开始。",
    "jobs.failed": "计算因意外问题而中止（{detail}）。你的数据和模型都没有改变；请重试，也许可以把设置调小一些。",
}
