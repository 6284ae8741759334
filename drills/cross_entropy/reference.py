import torch


def cross_entropy(logits: torch.Tensor, target: torch.Tensor, ignore_index: int = -100,
                  label_smoothing: float = 0.0) -> torch.Tensor:
    logp = logits - torch.logsumexp(logits, dim=-1, keepdim=True)  # (N, C) stable log-probabilities
    keep = target != ignore_index  # (N,) rows that count
    safe = torch.where(keep, target, torch.zeros_like(target))  # (N,) ignored rows point at class 0
    nll = -logp.gather(-1, safe.unsqueeze(-1)).squeeze(-1)  # (N,) -log p[target]
    smooth = -logp.mean(dim=-1)  # (N,) -log p averaged over the C classes
    loss = (1 - label_smoothing) * nll + label_smoothing * smooth  # (N,)
    return torch.where(keep, loss, torch.zeros_like(loss)).sum() / keep.sum()
