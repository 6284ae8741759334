"""Converting between words and tokens is one multiplication by a tokens-per-word ratio, and that ratio
belongs to a tokenizer and a language: it has to be measured, not assumed. A byte-level BPE starts from
UTF-8 bytes, so a Chinese character it has not merged costs 3 byte tokens and an ASCII character 1.

What this file proves: the conversion quiz.params.tokens_for_words does (checked against exact rational
arithmetic on every ratio and length the parametric card draws) and the UTF-8 byte counts (measured by
encoding). It does not prove OpenAI's rule of thumb for English (about 0.75 words per token with its GPT
tokenizers): no GPT tokenizer ships with our dependencies, so the cards that quote the rule cite OpenAI's
help page instead of this verifier.
"""

from fractions import Fraction

from _kit import check, main  # verifiers/ is on sys.path when run as a script or by the quiz

from quiz.params import tokens_for_words

N_WORDS = (750, 1500, 3000, 10000)  # the parametric card's draws (questions/tokenization.yaml)
TOKENS_PER_WORD = ("1.25", "1.5", "2.0")


def run(seed: int = 0, convert=tokens_for_words) -> list:
    del seed  # arithmetic and encodings: nothing random
    worst = 0.0  # largest relative error of convert() against the exact product, over the card's grid
    for n in N_WORDS:
        for r in TOKENS_PER_WORD:
            exact = n * Fraction(r)
            worst = max(worst, abs(Fraction(convert(n_words=n, tokens_per_word=float(r))) - exact) / exact)

    chinese = "大语言模型的前世今生"  # 10 characters from the basic CJK block (U+4E00..U+9FFF)
    english = "large language models"
    byte_tokens = list(chinese.encode("utf-8"))  # a byte-level tokenizer's input before any merge
    return [
        check("tokens_for_words_exact", 0.0, float(worst), abs_tol=1e-12,
              note="n_words x tokens_per_word on the card's 12 draws"),
        check("tokens_for_1500_words_at_1_5", 2250, convert(n_words=1500, tokens_per_word=1.5), abs_tol=0),
        # UTF-8 uses 3 bytes for every code point from U+0800 to U+FFFF and 1 byte for ASCII.
        check("utf8_bytes_per_chinese_char", 3, len(byte_tokens) / len(chinese), abs_tol=0),
        check("utf8_bytes_per_ascii_char", 1, len(english.encode("utf-8")) / len(english), abs_tol=0),
    ]


if __name__ == "__main__":
    main(run)
