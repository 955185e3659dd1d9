"""Messages of the lesson link (lstm_viz/lesson.py), the Home page's part for teachers, and work kept across a reload."""

EN: dict[str, str] = {
    "ws.lesson.field": "The lesson link's {name} = “{value}” is not a value LSTM Lens can use (allowed: {allowed}), so its default is used instead. Ask your teacher for the link again if this is not what you expected.",
    "ws.lesson.unknown": "The lesson link has parameters LSTM Lens does not know ({names}); they were ignored.",
    "ws.lesson.test_size": "The lesson's test part of {test_size} points does not fit this {n}-point series (at most {high}), so the sample's own test part of {default} points is used.",
    "ws.lesson.window": "The lesson's window of {window} steps leaves too few training windows with this test part (at most {high}), so a window of {default} is used.",
    "ws.lesson.val_size": "The lesson's validation part of {val_size} points does not fit this {n}-point series with its test part (at most {high}), so the sample's own validation part of {default} points is used.",
    "ws.lesson.budget": "The lesson's settings would take longer than one run may take on this server, so the recommended settings for this sample are used instead. Your teacher can make the link again with fewer epochs or hidden units.",
    "ws.lesson.not_sample": "A lesson link can only carry one of the sample data sets, as they are shipped. Pick a sample on the Data page (and keep its columns), then come back here for the link.",
    "ws.lesson.opened": "Your teacher's lesson is ready: **{name}** with the last {test} points held out for testing, and the settings your teacher chose. Press **Train**.",
    "ws.keep.unknown": "The work of this address is no longer on the server (it is kept for {minutes} minutes after you leave, and lost when the server restarts), so you start with a fresh workspace.",
    "ws.keep.busy": "The work of this address is open in another tab or browser, so this tab starts with a fresh workspace. To get it back here, close the other one first, then reload this address.",
    "page.home.lesson.title": "For teachers: a lesson link",
    "page.home.lesson.text": (
        "Set up a lesson once and give the class one link. Choose a **sample** on the Data page and its test part, "
        "choose the **settings** on the Train page, then come back here and copy the link below. Everyone who opens "
        "it gets their own fresh workspace with exactly that data, split and settings, ready to press **Train**. "
        "The link carries no one's work: each student's model stays their own. A link that was changed by hand "
        "opens with the defaults for what is wrong, and says so. Don't share the address in your browser's "
        "address bar instead: it holds your own session (a student opening it while your tab is open gets a fresh "
        "workspace)."
    ),
    "page.home.lesson.link": "Lesson link for your current setup ({name}, {test} test points, {hidden_size} hidden units, window {window}, {epochs} epochs):",
    "page.home.lesson.no_data": "Load a sample on the Data page (or press the button above) to get a lesson link for it.",
}

ZH: dict[str, str] = {
    "ws.lesson.field": "课程链接中的 {name} = “{value}” 不是 LSTM Lens 可以使用的值（允许：{allowed}），因此改用默认值。如果这不是你预期的结果，请向老师重新要一次链接。",
    "ws.lesson.unknown": "课程链接中有 LSTM Lens 不认识的参数（{names}），已忽略。",
    "ws.lesson.test_size": "课程的测试部分 {test_size} 个点放不进这条共 {n} 个点的序列（最多 {high} 个），因此使用该示例自带的 {default} 个点作为测试部分。",
    "ws.lesson.window": "课程的窗口长度 {window} 在这个测试部分下留下的训练窗口太少（最多 {high}），因此改用窗口长度 {default}。",
    "ws.lesson.val_size": "课程的验证部分 {val_size} 个点放不进这条共 {n} 个点、带测试部分的序列（最多 {high} 个），因此使用该示例自带的 {default} 个点作为验证部分。",
    "ws.lesson.budget": "课程中的设置所需的时间超过了本服务器每次训练允许的时间，因此改用该示例的推荐设置。老师可以减少轮数或隐藏单元数后重新生成链接。",
    "ws.lesson.not_sample": "课程链接只能携带随应用提供的示例数据集（保持其原有的列）。请先在“数据”页选择一个示例，再回到这里获取链接。",
    "ws.lesson.opened": "老师的课程已准备好：**{name}**，最后 {test} 个点留作测试，设置与老师选择的一致。请点击**训练**。",
    "ws.keep.unknown": "此地址对应的工作已不在服务器上（离开后只保留 {minutes} 分钟，服务器重启时也会丢失），因此你将从一个新的工作区开始。",
    "ws.keep.busy": "此地址对应的工作正在另一个标签页或浏览器中打开，因此这个标签页从一个新的工作区开始。若想在这里找回它，请先关闭另一个，再重新加载此地址。",
    "page.home.lesson.title": "给老师：课程链接",
    "page.home.lesson.text": (
        "一次设置好课程，只给全班一个链接。在“数据”页选择一个**示例**及其测试部分，在“训练”页选择**设置**，"
        "然后回到这里复制下面的链接。每个打开它的人都会得到自己全新的工作区，数据、切分和设置与你的完全相同，"
        "只需点击**训练**。链接不携带任何人的工作：每个学生的模型都只属于自己。被手动改动过的链接会对出错的部分"
        "使用默认值，并给出说明。不要改为分享浏览器地址栏中的地址：它包含你自己的会话（在你的标签页仍打开时，"
        "学生打开它只会得到一个新的工作区）。"
    ),
    "page.home.lesson.link": "当前设置的课程链接（{name}，{test} 个测试点，{hidden_size} 个隐藏单元，窗口 {window}，{epochs} 轮）：",
    "page.home.lesson.no_data": "在“数据”页加载一个示例（或点击上面的按钮），即可获取它的课程链接。",
}
