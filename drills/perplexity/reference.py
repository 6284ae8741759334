import torch


def perplexity(logits: torch.Tensor, tokens: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    if mask is None:
        mask = torch.ones_like(tokens, dtype=torch.bool)
    logp = torch.log_softmax(logits[:, :-1], dim=-1)  # (B, T-1, V): position t scores token t+1
    targets = tokens[:, 1:]  # (B, T-1)
    nll = -logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)  # (B, T-1) nats
    counted = mask[:, 1:]  # a prediction counts when its target is a real token
    return torch.exp(nll[counted].mean())  # one mean over the whole batch, then exp
