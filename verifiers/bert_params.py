"""BERT-base has about 110M parameters (109,482,240 exactly: V = 30522, d = 768, 12 layers, d_ff = 3072, 512
positions), and BERT-large about 340M (335,141,888 by the same count); a PyTorch encoder built to BERT-base's shapes
has exactly as many.

Count: token, position and segment embeddings (V + 512 + 2)·d plus their LayerNorm (2d); per layer the
attention 4d² + 4d, the FFN 2·d·d_ff + d_ff + d and two LayerNorms 4d; then the pooler d² + d. The MLM
head's output matrix is tied to the token embeddings, so it adds no large matrix.
"""

import torch
import torch.nn as nn
from _kit import check, main  # verifiers/ is on sys.path when run as a script or by the quiz


def bert_params(vocab: int, d_model: int, n_layers: int, d_ff: int, max_len: int = 512, n_segments: int = 2):
    d = d_model
    embeddings = (vocab + max_len + n_segments) * d + 2 * d  # three tables + LayerNorm
    per_layer = (4 * d * d + 4 * d) + (2 * d * d_ff + d_ff + d) + 4 * d  # attention + FFN + 2 LayerNorms
    pooler = d * d + d
    return embeddings + n_layers * per_layer + pooler


class Bert(nn.Module):
    def __init__(self, vocab, d, n_layers, d_ff, n_heads, max_len=512, n_segments=2, device=None):
        super().__init__()

        def table(n):  # on the meta device skip the random init (normal_ on meta costs ~1 s of imports)
            return nn.Embedding(n, d, _weight=torch.empty(n, d, device=device) if device == "meta" else None,
                                device=device)

        self.tok, self.pos, self.seg = table(vocab), table(max_len), table(n_segments)
        self.ln = nn.LayerNorm(d, device=device)
        layer = nn.TransformerEncoderLayer(d, n_heads, d_ff, activation="gelu", batch_first=True,
                                           device=device)  # attention, FFN and two LayerNorms
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.pooler = nn.Linear(d, d, device=device)

    def forward(self, idx, segments):  # (B, T), (B, T) -> (B, T, d), (B, d)
        pos = torch.arange(idx.shape[1])
        h = self.encoder(self.ln(self.tok(idx) + self.pos(pos) + self.seg(segments)))  # (B, T, d)
        return h, torch.tanh(self.pooler(h[:, 0]))  # the pooler reads the [CLS] position


def numel(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def run(seed: int = 0, count=bert_params) -> list:
    g = torch.Generator().manual_seed(seed)
    base = dict(vocab=30522, d_model=768, n_layers=12, d_ff=3072)
    large = dict(vocab=30522, d_model=1024, n_layers=24, d_ff=4096)

    meta_base = Bert(30522, 768, 12, 3072, n_heads=12, device="meta")  # full size, shapes only

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        tiny = Bert(vocab=101, d=32, n_layers=2, d_ff=64, n_heads=4, max_len=16).eval()
    idx = torch.randint(0, 101, (2, 9), generator=g)  # (B, T)
    h, pooled = tiny(idx, torch.zeros_like(idx))

    return [
        # Devlin et al. 2019 report 110M and 340M; the exact counts are those of the released checkpoints.
        check("bert_base_exact", expected=109_482_240, measured=count(**base), abs_tol=0),
        check("bert_base_about_110m", expected=110e6, measured=count(**base), rel_tol=0.01),
        check("bert_large_about_340m", expected=340e6, measured=count(**large), rel_tol=0.02),
        check("bert_base_torch_model", expected=numel(meta_base), measured=count(**base), abs_tol=0),
        check("tiny_model", expected=numel(tiny), measured=count(101, 32, 2, 64, max_len=16), abs_tol=0),
        check("tiny_outputs_finite", expected=2 * 9 * 32 + 2 * 32,
              measured=torch.isfinite(h).sum() + torch.isfinite(pooled).sum(), abs_tol=0),
    ]


if __name__ == "__main__":
    main(run)
