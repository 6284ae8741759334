"""Perplexity is exp of the mean per-token cross-entropy in nats, and bits per byte is the text's total
cross-entropy in bits divided by its UTF-8 bytes. The same model scored with two tokenizers (characters,
or pairs of characters) has the same bits per byte, while its per-token loss doubles and its per-token
perplexity is squared, so perplexities are only comparable under one tokenizer. A uniform guess over the
256 byte values scores exactly 8 bits per byte.

Conversion: bpb = (mean nats per token) * tokens / (bytes * ln 2), as reported by Gao et al. 2020, "The
Pile" (bits per UTF-8 encoded byte); perplexity as exp(CE) is the usual definition, e.g. Jurafsky & Martin,
Speech and Language Processing (3rd ed. draft), Ch. 3.
"""

import math

import torch
import torch.nn.functional as F
from _kit import check, main

from quiz.params_context_moe_eval import bits_per_byte, perplexity

ALPHABET = ["a", "b", "é", "中"]  # 1, 1, 2 and 3 bytes in UTF-8


def run(seed: int = 0, bpb_fn=bits_per_byte, ppl_fn=perplexity) -> list:
    g = torch.Generator().manual_seed(seed)
    n_chars = 2000
    true_p = torch.tensor([0.4, 0.3, 0.2, 0.1], dtype=torch.float64)
    ids = torch.multinomial(true_p, n_chars, replacement=True, generator=g)  # (n_chars,)
    text = "".join(ALPHABET[i] for i in ids.tolist())
    n_bytes = len(text.encode("utf-8"))

    model = torch.tensor([0.35, 0.35, 0.2, 0.1], dtype=torch.float64)  # an imperfect unigram model
    # tokenizer 1: one token per character
    logits_char = model.log().expand(n_chars, 4)
    ce_char = F.cross_entropy(logits_char, ids)  # mean nats per token
    # tokenizer 2: one token per pair of characters, vocab of 16; the same model: p(xy) = p(x) p(y)
    pair_ids = ids[0::2] * 4 + ids[1::2]  # (n_chars / 2,)
    logits_pair = (model.log()[:, None] + model.log()[None, :]).reshape(16).expand(n_chars // 2, 16)
    ce_pair = F.cross_entropy(logits_pair, pair_ids)

    bpb_char = bpb_fn(float(ce_char), n_chars, n_bytes)
    bpb_pair = bpb_fn(float(ce_pair), n_chars // 2, n_bytes)
    # independent: sum of -log2 p(character) over the text, per byte
    direct_bits = -sum(math.log2(float(model[i])) for i in ids.tolist()) / n_bytes
    # perplexity as the geometric mean of 1/p(token) over the first 40 tokens, by a plain product
    first = ids[:40].tolist()
    geo = math.prod(1 / float(model[i]) for i in first) ** (1 / len(first))
    ce_first = float(F.cross_entropy(logits_char[:40], ids[:40]))
    # bytes as tokens, uniform over 256 values
    byte_ids = torch.tensor(list(text.encode("utf-8")))
    ce_uniform = F.cross_entropy(torch.zeros(n_bytes, 256, dtype=torch.float64), byte_ids)
    return [
        check("bpb_equals_direct_bits", direct_bits, bpb_char, rel_tol=1e-12),
        check("bpb_same_for_both_tokenizers", bpb_char, bpb_pair, rel_tol=1e-12),
        check("pair_perplexity_is_char_squared", ppl_fn(float(ce_char)) ** 2, ppl_fn(float(ce_pair)), rel_tol=1e-9),
        check("perplexity_is_geometric_mean", geo, ppl_fn(ce_first), rel_tol=1e-12),
        check("uniform_bytes_is_8_bits", 8.0, bpb_fn(float(ce_uniform), n_bytes, n_bytes), rel_tol=1e-12),
        check("uniform_vocab_32000_perplexity", 32000, ppl_fn(math.log(32000)), rel_tol=1e-12),
    ]


if __name__ == "__main__":
    main(run)
