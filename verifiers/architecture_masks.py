"""The three LLM architectures differ, inside self-attention, only in the mask: an encoder lets every token
see all T tokens (T² pairs), a causal decoder only earlier ones and itself (T(T+1)/2), a prefix decoder the
whole prefix plus earlier ones (P² + P(T-P) + (T-P)(T-P+1)/2). Measured by which inputs each output actually
depends on.

For one attention layer, output i depends on input j exactly when the mask lets query i see key j (its own
input always reaches it through the query). The verifier differentiates a small layer and counts the
(i, j) pairs with a nonzero derivative, so the counts come from the computation, not from the mask.
"""

import torch
from _kit import check, main

from quiz.params import causal_allowed_pairs, prefix_allowed_pairs


def make_masks(T: int, P: int) -> dict:
    """(T, T) bool masks, True = query i (row) may attend to key j (column)."""
    i, j = torch.arange(T)[:, None], torch.arange(T)[None, :]
    return {
        "encoder": torch.ones(T, T, dtype=torch.bool),  # bidirectional: BERT
        "causal_decoder": j <= i,  # GPT, Llama
        "prefix_decoder": (j < P) | (j <= i),  # bidirectional over the first P tokens
    }


def dependency(mask, x, w_q, w_k, w_v) -> torch.Tensor:
    """(T, T) bool: True where output i has a nonzero derivative with respect to input token j."""

    def layer(x):  # (T, d) -> (T, d)
        scores = (x @ w_q) @ (x @ w_k).T / x.shape[-1] ** 0.5
        return scores.masked_fill(~mask, float("-inf")).softmax(-1) @ (x @ w_v)

    jac = torch.autograd.functional.jacobian(layer, x)  # (T, d, T, d)
    return jac.abs().amax(dim=(1, 3)) > 1e-12  # block (i, j) is zero iff no dependency


def run(seed: int = 0, make_masks=make_masks) -> list:
    g = torch.Generator().manual_seed(seed)
    T, P, d = 7, 3, 4
    x = torch.randn(T, d, generator=g, dtype=torch.float64)
    # Scaled so the logits stay O(1): a saturated softmax could make a real dependency numerically ~0.
    w_q, w_k, w_v = (torch.randn(d, d, generator=g, dtype=torch.float64) / d**0.5 for _ in range(3))
    expected = {
        "encoder": T * T,
        "causal_decoder": causal_allowed_pairs(T),
        "prefix_decoder": prefix_allowed_pairs(T, P),
    }

    checks, mismatches = [], 0
    for name, mask in make_masks(T, P).items():
        dep = dependency(mask, x, w_q, w_k, w_v)
        checks.append(check(f"dependent_pairs_{name}", expected[name], dep.sum(), abs_tol=0))
        mismatches += (dep != mask).sum().item()
    checks.append(check("pairs_where_dependency_differs_from_mask", 0, mismatches, abs_tol=0))
    # The prefix decoder interpolates: P = 0 is the causal decoder, P = T the encoder.
    m0, mT = make_masks(T, 0), make_masks(T, T)
    checks.append(check("prefix_P0_cells_differing_from_causal", 0,
                        (m0["prefix_decoder"] != m0["causal_decoder"]).sum(), abs_tol=0))
    checks.append(check("prefix_PT_cells_differing_from_encoder", 0,
                        (mT["prefix_decoder"] != mT["encoder"]).sum(), abs_tol=0))
    return checks


def figures(seed: int = 0, make_masks=make_masks) -> list:
    """Which input each output of one attention layer depends on (nonzero derivative), per architecture."""
    from _kit import heatmap_figure

    g = torch.Generator().manual_seed(seed)
    T, P, d = 7, 3, 4
    x = torch.randn(T, d, generator=g, dtype=torch.float64)
    w_q, w_k, w_v = (torch.randn(d, d, generator=g, dtype=torch.float64) / d**0.5 for _ in range(3))
    titles = {"encoder": ("Encoder: every output depends on every input", "编码器：每个输出依赖所有输入"),
              "causal_decoder": ("Causal decoder: only earlier inputs and itself", "因果解码器：只依赖之前的输入和自身"),
              "prefix_decoder": ("Prefix decoder (P = 3): the prefix both ways", "前缀解码器（P = 3）：前缀内双向")}
    out = []
    for name, mask in make_masks(T, P).items():
        dep = dependency(mask, x, w_q, w_k, w_v)  # (T, T) bool, measured by autograd
        title, title_zh = titles.get(name, (name, ""))
        out.append(heatmap_figure(f"dependency_{name}", title, dep.double(), masked=~dep,
                                  x=("input j", "", False, "输入 j"), y=("output i", "", False, "输出 i"),
                                  value=("depends", "", False, "依赖"), title_zh=title_zh,
                                  note=f"{int(dep.sum())} dependent pairs of {T * T}",
                                  note_zh=f"{T * T} 对中有 {int(dep.sum())} 对存在依赖"))
    return out


if __name__ == "__main__":
    main(run)
