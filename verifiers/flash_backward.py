"""FlashAttention's backward pass does not store the T x T attention matrix: it keeps only the output O and
one logsumexp per query row, recomputes P = exp(S - logsumexp) tile by tile, and with
D_i = rowsum(dO_i * O_i) gets dS = P * (dP - D); the resulting dQ, dK and dV equal autograd's exactly.

The extra matmul to recompute S costs FLOPs but saves reading and writing O(T^2) memory, which is the
slower resource. D_i equals rowsum(P_i * dP_i), so it is known from O and dO without P.
"""

import torch
from _kit import check, main


def flash_backward(q, k, v, o, lse, d_o, block: int = 8):
    """q, k, v, o, d_o (T, d); lse (T,) the saved row logsumexp of the scaled scores -> dq, dk, dv."""
    T, d = q.shape
    scale = d**-0.5
    D = (d_o * o).sum(dim=1, keepdim=True)  # (T, 1): rowsum(dO * O) = rowsum(P * dP)
    dq, dk, dv = torch.zeros_like(q), torch.zeros_like(k), torch.zeros_like(v)
    for j in range(0, T, block):  # outer loop over key/value blocks, as in FlashAttention-2
        kj, vj = k[j:j + block], v[j:j + block]  # (Bc, d)
        s = q @ kj.T * scale  # (T, Bc): recomputed, never stored from the forward pass
        p = torch.exp(s - lse[:, None])  # (T, Bc) exact probabilities for this tile
        dv[j:j + block] = p.T @ d_o  # (Bc, d)
        dp = d_o @ vj.T  # (T, Bc)
        ds = p * (dp - D)  # softmax backward for this tile
        dq += ds @ kj * scale
        dk[j:j + block] = ds.T @ q * scale
    return dq, dk, dv


def run(seed: int = 0, backward=flash_backward) -> list:
    g = torch.Generator().manual_seed(seed)
    T, d = 29, 16
    q, k, v = (torch.randn(T, d, generator=g, dtype=torch.float64, requires_grad=True) for _ in range(3))
    d_o = torch.randn(T, d, generator=g, dtype=torch.float64)

    s = q @ k.T / d**0.5  # reference: the full (T, T) graph that autograd keeps
    o = torch.softmax(s, dim=-1) @ v
    (o * d_o).sum().backward()  # same gradients as o.backward(d_o), which would import sympy (1 s) the first time
    lse = torch.logsumexp(s, dim=-1).detach()  # (T,): all the forward pass saves besides O

    dq, dk, dv = backward(q.detach(), k.detach(), v.detach(), o.detach(), lse, d_o)
    saved_values = o.numel() + lse.numel()
    return [
        check("dq_max_abs_diff", 0.0, (dq - q.grad).abs().max(), abs_tol=1e-12),
        check("dk_max_abs_diff", 0.0, (dk - k.grad).abs().max(), abs_tol=1e-12),
        check("dv_max_abs_diff", 0.0, (dv - v.grad).abs().max(), abs_tol=1e-12),
        # what is saved for backward: O (T*d) and lse (T) instead of P (T*T) as well
        check("saved_values", T * d + T, saved_values, abs_tol=0),
    ]


if __name__ == "__main__":
    main(run)
