"""Updates the caller's param and moment tensors in place, as an optimizer's step() would."""

FAILS = "inputs_not_modified"


def adamw_step(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    param.mul_(1 - lr * weight_decay)
    exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    denom = (exp_avg_sq / (1 - beta2**step)).sqrt() + eps
    param.sub_(lr * (exp_avg / (1 - beta1**step)) / denom)
    return param, exp_avg, exp_avg_sq
