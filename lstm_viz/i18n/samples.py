"""Titles and one-line descriptions of the sample series (see ``lstm_viz.samples``)."""

EN: dict[str, str] = {
    "samples.unknown": "There is no sample called “{name}”. Choose one of: {known}.",
    "sample.airline.title": "Airline passengers (monthly, 1949–1960)",
    "sample.airline.about": "International airline passengers in thousands, 144 months: a rising trend with a yearly season that grows with it.",
    "sample.elnino.title": "El Niño sea temperature (monthly, 1950–2010)",
    "sample.elnino.about": "Sea-surface temperature (°C) off Peru and Ecuador (Niño 1+2 region): a strong yearly cycle broken by irregular El Niño warm spells.",
    "sample.sunspots.title": "Sunspots (yearly, 1700–2008)",
    "sample.sunspots.about": "Yearly mean sunspot number: cycles of about 11 years whose length and height both vary.",
    "sample.stocks.title": "Tech stock prices (weekly, 2018–2019)",
    "sample.stocks.about": "Weekly closing prices of six tech stocks, each divided by its first week's price; one column per stock. Close to a random walk: hard to beat the naive forecast.",
    "sample.stocks_long.title": "Tech stock prices, long format (weekly, 2018–2019)",
    "sample.stocks_long.about": "The same six stocks as one table with date, symbol and price columns: pick the series to model by its symbol.",
    "sample.seattle.title": "Seattle weather (daily, 2012–2015)",
    "sample.seattle.about": "Daily maximum and minimum temperature (°C), precipitation (mm) and wind (m/s) in Seattle: a yearly season with day-to-day noise.",
    "sample.sine.title": "Noisy sine wave (400 steps)",
    "sample.sine.about": "A sine wave with period 25 plus a little Gaussian noise: the easiest case, to see what a well-fitted LSTM looks like.",
}

ZH: dict[str, str] = {
    "samples.unknown": "没有名为“{name}”的示例。请从以下示例中选择：{known}。",
    "sample.airline.title": "航空旅客人数（月度，1949–1960）",
    "sample.airline.about": "国际航空旅客人数（千人），共 144 个月：趋势持续上升，年度季节波动也随之增大。",
    "sample.elnino.title": "厄尔尼诺海温（月度，1950–2010）",
    "sample.elnino.about": "秘鲁和厄瓜多尔外海（Niño 1+2 区）的海表温度（°C）：年周期明显，但会被不规则的厄尔尼诺暖期打断。",
    "sample.sunspots.title": "太阳黑子（年度，1700–2008）",
    "sample.sunspots.about": "年平均太阳黑子数：约 11 年一个周期，但周期长度和峰值高度都在变化。",
    "sample.stocks.title": "科技股价格（每周，2018–2019）",
    "sample.stocks.about": "六只科技股的每周收盘价，均除以各自第一周的价格，每只股票一列。走势接近随机游走，很难胜过朴素预测。",
    "sample.stocks_long.title": "科技股价格，长格式（每周，2018–2019）",
    "sample.stocks_long.about": "同样六只股票，整理成一张包含日期、代码和价格三列的表：按股票代码选择要建模的序列。",
    "sample.seattle.title": "西雅图天气（每日，2012–2015）",
    "sample.seattle.about": "西雅图每日最高和最低气温（°C）、降水量（毫米）和风速（米/秒）：有年度季节性，也有逐日的随机波动。",
    "sample.sine.title": "带噪声的正弦波（400 步）",
    "sample.sine.about": "周期为 25 的正弦波加上少量高斯噪声：最简单的情形，用来看清拟合良好的 LSTM 是什么样子。",
}
