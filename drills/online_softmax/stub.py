import torch


def online_softmax_step(m: torch.Tensor, l: torch.Tensor, acc: torch.Tensor, s: torch.Tensor,  # noqa: E741
                        v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One block of FlashAttention's online softmax.

    m, l: (T,) running max and running sum of exp(score - m); acc: (T, d_v) unnormalised output;
    s: (T, B) this block's scores; v: (B, d_v) this block's values. Start: m = -inf, l = 0, acc = 0.
    After the last block acc / l[:, None] = softmax(all scores) @ all values. Returns new tensors.
    """
    raise NotImplementedError("write online_softmax_step")
