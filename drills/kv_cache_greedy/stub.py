import torch


def generate(model, prompt: torch.Tensor, n_new: int) -> torch.Tensor:
    """Greedy decoding with a KV cache for a tiny one-layer, one-head causal transformer.

    The model (given; float64) exposes three pieces and keeps its weights to itself:
      model.d_model                  D, the width
      model.embed(idx, pos)          idx (B, T) long, pos (T,) long positions -> x (B, T, D)
      model.qkv(x)                   x (B, T, D) -> q, k, v, each (B, T, D)
      model.logits(x, a)             x and the attention output a, both (B, T, D) -> logits (B, T, V)
    Attention is yours: a = softmax(q k^T / sqrt(D), causal) v, a query seeing every key up to its own
    position. prompt: (B, T0) long, T0 >= 1; n_new >= 1.
    Run the prompt through the model once (prefill), then feed one new token per step at the next
    position, keeping k and v of every position seen in a cache instead of recomputing them.
    Greedy: the next token is the argmax of the last position's logits.
    Returns (B, T0 + n_new) long: the prompt followed by the n_new generated tokens.
    """
    raise NotImplementedError("write generate")
