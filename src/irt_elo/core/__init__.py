"""The math, with no pandas, no files and no printing: the 2PL/1PL model and its losses (:mod:`.model`), the
bounded Newton solver (:mod:`.optim`), the aggregate fit problem (:mod:`.solve`), scale maps (:mod:`.scale`) and the
BLAS thread cap (:mod:`.threads`)."""
