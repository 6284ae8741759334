import torch


def perplexity(logits: torch.Tensor, tokens: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Token-level perplexity of a causal LM over a batch.

    logits: (B, T, V), logits[:, t] predicts tokens[:, t + 1]; tokens: (B, T) int64;
    mask: (B, T) bool, True on real tokens (None: all real). A prediction counts if its target is real.
    Returns exp(mean NLL in nats over all counted targets) as a 0-d tensor in logits' dtype.
    Banned: F.cross_entropy, F.nll_loss, nn.CrossEntropyLoss, nn.NLLLoss.
    """
    raise NotImplementedError("write perplexity")
