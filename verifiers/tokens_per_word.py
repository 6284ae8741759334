"""By the rule of thumb for English text with GPT-style BPE vocabularies, 1 token ≈ 0.75 words (about 4/3
tokens per word), 1000 words ≈ 1333 tokens and a 4096-token context holds about 3072 words. A byte-level BPE
starts from UTF-8 bytes, so a Chinese character it has not merged costs 3 byte tokens.

The ratio depends on the tokenizer and the language; the numbers here are the arithmetic of the rule of
thumb, not a measurement of any particular tokenizer. The UTF-8 byte counts are measured.
"""

from _kit import check, main  # verifiers/ is on sys.path when run as a script or by the quiz

from quiz.params import tokens_for_words

WORDS_PER_TOKEN = 0.75  # the rule of thumb (OpenAI's documentation gives the same figure)


def run(seed: int = 0, convert=tokens_for_words) -> list:
    del seed  # arithmetic and encodings: nothing random
    tpw = 1 / WORDS_PER_TOKEN  # tokens per word
    per_word = convert(n_words=1, tokens_per_word=tpw)

    chinese = "大语言模型的前世今生"  # 10 characters from the basic CJK block (U+4E00..U+9FFF)
    english = "large language models"
    return [
        check("tokens_per_word", expected=4 / 3, measured=per_word, rel_tol=1e-12),
        check("tokens_for_1000_words", expected=1000 / 0.75,
              measured=convert(n_words=1000, tokens_per_word=tpw), rel_tol=1e-12),
        check("words_in_4096_tokens", expected=4096 * 0.75, measured=4096 / per_word, rel_tol=1e-12),
        check("words_in_300b_tokens", expected=225e9, measured=300e9 / per_word, rel_tol=1e-12),
        # UTF-8 uses 3 bytes for every code point from U+0800 to U+FFFF and 1 byte for ASCII.
        check("utf8_bytes_per_chinese_char", expected=3, measured=len(chinese.encode()) / len(chinese),
              abs_tol=0),
        check("utf8_bytes_per_ascii_char", expected=1, measured=len(english.encode()) / len(english),
              abs_tol=0),
    ]


if __name__ == "__main__":
    main(run)
