import torch


def online_softmax_step(m: torch.Tensor, l: torch.Tensor, acc: torch.Tensor, s: torch.Tensor,  # noqa: E741
                        v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    m_new = torch.maximum(m, s.amax(dim=-1))  # (T,) the running maximum
    correction = torch.exp(m - m_new)  # (T,) rescales what was accumulated under the old maximum
    p = torch.exp(s - m_new[:, None])  # (T, B) this block's weights, never above 1
    l_new = correction * l + p.sum(dim=-1)  # (T,)
    acc_new = correction[:, None] * acc + p @ v  # (T, d_v)
    return m_new, l_new, acc_new
