"""clbp: why is exercise prescribed for chronic low back pain? 33 mechanisms proposed in 74 of the 110 trials
(Wun et al. 2021), and where each statement comes from."""

__version__ = "1.1.0"
