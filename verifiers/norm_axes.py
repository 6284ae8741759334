"""For an activation of shape (N, C, H, W), BatchNorm takes one mean and variance per channel over (N, H, W),
LayerNorm one per sample over (C, H, W), InstanceNorm one per sample and channel over (H, W), and GroupNorm
one per sample and group of C/G adjacent channels over (C/G, H, W); hand-written reductions over exactly
those axes match torch.nn.BatchNorm2d, LayerNorm, InstanceNorm2d and GroupNorm.

So only BatchNorm mixes samples (a sample's output moves when its batch mates change); InstanceNorm never
mixes channels; GroupNorm mixes the channels of one group only, and is LayerNorm at G = 1 and InstanceNorm
at G = C. (A Transformer's LayerNorm on (B, T, d) reduces over d alone: it is the same idea with one
"pixel" per token.) Wu & He 2018, Group Normalization, Figure 2.
"""

import torch
from _kit import check, check_at_least, main

EPS = 1e-5


def normalize(x: torch.Tensor, kind: str, groups: int = 1) -> torch.Tensor:
    """(N, C, H, W) -> (N, C, H, W), no affine; biased variance, as every torch norm uses for the output."""
    N, C, H, W = x.shape
    if kind == "batch":
        dims, view = (0, 2, 3), x  # one (mean, var) per channel: C pairs
    elif kind == "layer":
        dims, view = (1, 2, 3), x  # one per sample: N pairs
    elif kind == "instance":
        dims, view = (2, 3), x  # one per (sample, channel): N*C pairs
    elif kind == "group":
        dims, view = (2, 3, 4), x.reshape(N, groups, C // groups, H, W)  # adjacent channels: N*G pairs
    else:
        raise ValueError(kind)
    mu = view.mean(dim=dims, keepdim=True)
    var = view.var(dim=dims, unbiased=False, keepdim=True)
    return ((view - mu) / torch.sqrt(var + EPS)).reshape(N, C, H, W)


def torch_reference(x: torch.Tensor, kind: str, groups: int = 1) -> torch.Tensor:
    N, C, H, W = x.shape
    module = {
        "batch": lambda: torch.nn.BatchNorm2d(C, eps=EPS, affine=False, track_running_stats=False),
        "layer": lambda: torch.nn.LayerNorm([C, H, W], eps=EPS, elementwise_affine=False),
        "instance": lambda: torch.nn.InstanceNorm2d(C, eps=EPS, affine=False),
        "group": lambda: torch.nn.GroupNorm(groups, C, eps=EPS, affine=False),
    }[kind]().double()
    return module.train()(x)


def run(seed: int = 0, normalize=normalize) -> list:
    g = torch.Generator().manual_seed(seed)
    N, C, H, W, G = 4, 8, 5, 6, 4  # groups of C/G = 2 adjacent channels
    # channels with their own offsets and scales, so per-channel and per-sample statistics differ
    shift = 3 * torch.randn(1, C, 1, 1, generator=g, dtype=torch.float64)
    scale = torch.rand(1, C, 1, 1, generator=g, dtype=torch.float64) + 0.5
    x = torch.randn(N, C, H, W, generator=g, dtype=torch.float64) * scale + shift  # (N, C, H, W)

    def moved(kind, x2, where):
        """Largest change of the output at `where` when the input goes from x to x2."""
        return (normalize(x2, kind, G)[where] - normalize(x, kind, G)[where]).abs().max()

    # sample 0 kept, its batch mates replaced by shifted ones
    mates = torch.cat([x[:1], x[1:] * 1.5 + 2.0])
    # channel 0 of sample 0 kept; channel 1 (same group as 0) or channels 2.. (other groups) changed
    same_group, other_groups = x.clone(), x.clone()
    same_group[0, 1] = same_group[0, 1] * 3.0 + 4.0
    other_groups[0, 2:] = other_groups[0, 2:] * 3.0 + 4.0
    ch0 = (0, 0)

    # float64 and the same formulas as torch: differences are rounding only, ~1e-15
    checks = [check(f"{k}_matches_torch", 0.0, (normalize(x, k, G) - torch_reference(x, k, G)).abs().max(),
                    abs_tol=1e-10) for k in ("batch", "layer", "instance", "group")]  # fmt: skip
    # what each output depends on, measured by changing other samples or other channels
    batch_moves = moved("batch", mates, 0)  # BatchNorm: sample 0 moves when its batch mates change
    others_batch = max(moved(k, mates, 0) for k in ("layer", "instance", "group"))  # the others: not at all
    own_channel = moved("instance", same_group, ch0)  # InstanceNorm: a channel sees only itself
    group_ignores = moved("group", other_groups, ch0)  # GroupNorm: nothing outside the group
    sees = min(moved("layer", other_groups, ch0), moved("group", same_group, ch0))  # LN: all channels; GN: its group
    checks += [
        check_at_least("batch_sample_moves_with_batch_mates", 0.1, batch_moves),
        check("ignores_what_its_axes_exclude", 0.0, max(others_batch, own_channel, group_ignores), abs_tol=1e-12,
              note="LN, IN, GN: batch mates; IN: other channels; GN: other groups"),
        check_at_least("channel_moves_with_what_its_axes_include", 0.1, sees,
                       note="LayerNorm: any channel; GroupNorm: its own group"),
        # the two ends of GroupNorm: G = 1 is LayerNorm, G = C is InstanceNorm
        check("group_ends_equal_layer_and_instance", 0.0,
              max((normalize(x, "group", 1) - normalize(x, "layer")).abs().max(),
                  (normalize(x, "group", C) - normalize(x, "instance")).abs().max()), abs_tol=1e-10),
    ]
    return checks


if __name__ == "__main__":
    main(run)
