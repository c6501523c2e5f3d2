"""glassgrad's neural-network library, built on the ``autograd`` engine only."""

import autograd

if not getattr(autograd, "GLASSGRAD", False):
    raise ImportError(
        f"nn needs glassgrad's autograd engine, but 'import autograd' found another package "
        f"at {getattr(autograd, '__file__', '?')}. Another distribution installs a folder "
        f"named 'autograd' (e.g. PyPI's 'autograd'); uninstall it "
        f"('pip uninstall autograd') and reinstall glassgrad."
    )

__all__: list[str] = []
