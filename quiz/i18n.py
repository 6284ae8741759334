"""Every string the study session, the exam and `quiz show` print, in English and Chinese.

Chinese strings use full-width punctuation (colon "：", brackets "（）"). `t(key, lang, **fields)` formats one.
Pure data and a few pure helpers: no rich.
"""

from __future__ import annotations

import re

STRINGS: dict[str, dict[str, str]] = {
    # the card
    "type.flashcard": {"en": "flashcard", "zh": "问答"},
    "type.mcq": {"en": "multiple choice", "zh": "选择题"},
    "type.numeric": {"en": "numeric", "zh": "计算题"},
    "type.cloze": {"en": "cloze", "zh": "填空题"},
    "type.errata": {"en": "spot the error", "zh": "找错题"},
    "type.drill": {"en": "coding drill", "zh": "编程练习"},
    "counts": {"en": "done {done} · due {due} · new {new}", "zh": "已完成 {done} · 待复习 {due} · 新卡 {new}"},
    "counts.short": {"en": "{done}✓ {due}↻ {new}+", "zh": "{done}✓ {due}↻ {new}+"},
    "badge.new": {"en": "NEW", "zh": "新"},
    "badge.cram": {"en": "CRAM", "zh": "突击"},
    "badge.final": {"en": "FINAL", "zh": "考前"},  # the plan's final review before the interview
    "badge.early": {"en": "EARLY", "zh": "提前"},  # an early review that fills the plan's day
    "changed": {"en": "edited since you last saw it", "zh": "自上次复习后题目有修改"},
    # answering
    "reveal": {"en": "Enter: show answer   u: undo   q: quit", "zh": "回车：显示答案   u：撤销   q：退出"},
    "pick": {"en": "Press a letter   u: undo   q: quit", "zh": "按字母选择   u：撤销   q：退出"},
    "reveal.exam": {"en": "Enter: show answer   q: quit", "zh": "回车：显示答案   q：退出"},  # no undo in an exam
    "pick.exam": {"en": "Press a letter   q: quit", "zh": "按字母选择   q：退出"},
    "number": {"en": "Your answer (e.g. 4096, 3.2e9, 7B, 12%), q to quit",
               "zh": "你的答案（如 4096、3.2e9、7B、12%），q 退出"},
    "number.within": {"en": "graded within ±{pct}", "zh": "误差 ±{pct} 以内算对"},
    "number.exact": {"en": "the exact number", "zh": "须给出精确值"},
    "number.about": {"en": "or rounded to 1-2 significant figures", "zh": "或保留 1-2 位有效数字"},
    "number.unit": {"en": "in {unit}", "zh": "单位：{unit}"},
    "answer": {"en": "Answer", "zh": "答案"},
    "gap": {"en": "Gap", "zh": "空"},
    "not_number": {"en": "Not a number; try 4096, 1,024, 3.2e9, 7B or 12%",
                   "zh": "不是数字；可以输入 4096、1,024、3.2e9、7B 或 12%"},
    "right": {"en": "Right", "zh": "正确"},
    "wrong": {"en": "Wrong", "zh": "错误"},
    "you": {"en": "you: {given}", "zh": "你的答案：{given}"},
    "empty": {"en": "(empty)", "zh": "（空）"},
    "accepted": {"en": "answer: {answer}", "zh": "答案：{answer}"},
    "keys": {"en": "1-4 rate · Enter {proposed} · e explain · v verify · u undo · q quit",
             "zh": "1-4 评分 · 回车 {proposed} · e 解释 · v 验证 · u 撤销 · q 退出"},
    "drill_start": {"en": "Enter starts the drill (the stub opens in $VISUAL/$EDITOR if set; judged when you return)"
                          " · q quit",
                    "zh": "回车 开始练习（若设置了 $VISUAL/$EDITOR 会打开初始代码；返回后评测）· q 退出"},
    "self_grade": {"en": "Did you get it right? y / n", "zh": "答对了吗？y / n"},
    "no_verifier": {"en": "This card has no verifier.", "zh": "这张卡片没有验证程序。"},
    "nothing_to_undo": {"en": "Nothing to undo.", "zh": "没有可撤销的答案。"},
    "undone": {"en": "Undid your answer to {id}; it is shown again.", "zh": "已撤销对 {id} 的回答，重新显示。"},
    "running_verifier": {"en": "running verifier {name} (loading torch)…", "zh": "正在运行验证程序 {name}（加载 torch）…"},
    "no_more": {"en": "No more cards for now. 🎉", "zh": "今天的卡片都复习完了。🎉"},
    # an answer that could not be written (the error itself comes from the store, in English)
    "save.retrying": {"en": "another quiz is writing; retrying...", "zh": "另一个 quiz 正在写入；重试中..."},
    "save.error": {"en": "Error: {error}", "zh": "错误：{error}"},
    "save.choice": {"en": "r to retry, q to quit", "zh": "r 重试，q 退出"},
    "draft": {"en": "Skipped {id}: {problem}", "zh": "已跳过 {id}：{problem}"},
    # explanation and sources
    "explanation": {"en": "explanation", "zh": "解释"},
    "no_explanation": {"en": "No explanation for this card.", "zh": "这张卡片没有解释。"},
    "sources": {"en": "Sources", "zh": "来源"},
    "source.post": {"en": "post: {post}", "zh": "文章：{post}"},
    "source.paper": {"en": "paper: {paper}", "zh": "论文：{paper}"},
    "verifier.press": {"en": "Verifier: {name} (press v)", "zh": "验证程序：{name}（按 v 运行）"},
    "verifier.run": {"en": "Verifier: {name} (quiz verify {name})", "zh": "验证程序：{name}（quiz verify {name}）"},
    "verifier.title": {"en": "verifier {name}", "zh": "验证程序 {name}"},
    "verifier.draw": {"en": "this draw: {values}", "zh": "本次取值：{values}"},
    "verifier.formula": {"en": "the formula with this draw: {answer}", "zh": "按公式计算本次取值：{answer}"},
    "col.check": {"en": "check", "zh": "检查项"},
    "col.measured": {"en": "measured", "zh": "实测"},
    "col.expected": {"en": "expected", "zh": "期望"},
    "col.tolerance": {"en": "tolerance", "zh": "容差"},
    "col.result": {"en": "result", "zh": "结果"},
    "col.seconds": {"en": "s", "zh": "秒"},
    "pass": {"en": "PASS", "zh": "通过"},
    "fail": {"en": "FAIL", "zh": "失败"},
    "raised": {"en": "raised", "zh": "出错"},
    # summary
    "summary": {"en": "summary", "zh": "小结"},
    "done": {"en": "Cards done: {n}", "zh": "完成：{n} 张"},
    "accuracy": {"en": "Accuracy: {pct} ({correct}/{graded} auto-graded)",
                 "zh": "正确率：{pct}（自动判分 {correct}/{graded}）"},
    "time": {"en": "Time: {m}m {s}s", "zh": "用时：{m} 分 {s} 秒"},
    "missed": {"en": "Missed:", "zh": "答错："},
    "next_due": {"en": "Next due: {when} (in {wait})", "zh": "下次到期：{when}（{wait}后）"},
    "learning_later": {"en": "{n} learning card(s) come back later today", "zh": "还有 {n} 张学习中的卡片今天稍后到期"},
    # exam
    "exam.title": {"en": "mock interview · question {n}/{total}", "zh": "模拟面试 · 第 {n}/{total} 题"},
    "exam.left": {"en": "{clock} left", "zh": "剩余 {clock}"},
    "exam.time_up": {"en": "Time is up.", "zh": "时间到。"},
    "exam.result": {"en": "mock interview result", "zh": "模拟面试结果"},
    "exam.score": {"en": "{correct}/{asked} correct in {m}m {s}s", "zh": "答对 {correct}/{asked}，用时 {m} 分 {s} 秒"},
    "exam.review": {"en": "Review these (quiz show ID):", "zh": "需要复习（quiz show ID）："},
    "exam.unanswered": {"en": "Unanswered:", "zh": "未作答："},
    "exam.topic": {"en": "topic", "zh": "主题"},
    "exam.col_score": {"en": "score", "zh": "得分"},
    # first run
    "welcome.title": {"en": "welcome to quiz", "zh": "欢迎使用 quiz"},
    "welcome": {
        "en": "Each card is a question from a transformer interview. Answer, then rate how well you knew it "
              "(1 Again, 2 Hard, 3 Good, 4 Easy); the scheduler brings it back just before you would forget.\n"
              "Keys: Enter shows the answer · e explains · v runs the small program that proves it · u undoes · "
              "q quits (progress is kept after every card).\n"
              "Your progress is stored in {home}.\n"
              "See every topic with `quiz topics`; study one with `quiz study --topic NAME`.",
        "zh": "每张卡片是一道 Transformer 面试题。先作答，再按掌握程度评分（1 重来、2 困难、3 良好、4 简单）；"
              "调度器会在你快要忘记之前再次安排这张卡片。\n"
              "按键：回车 显示答案 · e 解释 · v 运行证明答案的小程序 · u 撤销 · q 退出（每答一张都会保存进度）。\n"
              "学习进度保存在 {home}。\n"
              "用 `quiz topics` 查看所有主题；用 `quiz study --topic 主题` 只学一个主题。",
    },  # fmt: skip
}

RATING_NAME = {"en": {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}, "zh": {1: "重来", 2: "困难", 3: "良好", 4: "简单"}}

# Units that appear on numeric cards, in Chinese (a unit not listed is a symbol such as GB, ×, %)
UNITS_ZH = {
    "parameters": "个参数", "tokens": "个 token", "pairs": "对", "hours": "小时", "layers": "层", "words": "个词",
    "positions": "个位置", "dot products": "次点积", "nats": "奈特", "bytes": "字节", "GPU-hours": "GPU 小时",
    "FLOPs": "次浮点运算", "BLEU": "BLEU 分",
}  # fmt: skip
_INTERVAL_ZH = {"s": "秒", "m": "分钟", "h": "小时", "d": "天", "mo": "个月", "y": "年"}


def t(key: str, lang: str, **fields) -> str:
    text = STRINGS[key]["zh" if lang == "zh" else "en"]
    return text.format(**fields) if fields else text


def unit(name: str, lang: str) -> str:
    return UNITS_ZH.get(name, name) if lang == "zh" else name


def interval(text: str, lang: str) -> str:
    """An interval from scheduler.format_interval ("10m", "3d", "2.5mo") in the session's language."""
    if lang != "zh":
        return text
    m = re.fullmatch(r"([\d.]+)(s|m|h|d|mo|y)", text)
    return f"{m[1]} {_INTERVAL_ZH[m[2]]}" if m else text
