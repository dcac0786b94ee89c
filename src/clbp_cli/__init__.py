"""clbp: why exercise helps chronic low back pain, the mechanisms proposed in 110 trials (Wun et al. 2021)."""

__version__ = "1.0.0"
