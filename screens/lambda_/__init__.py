"""Lambda screens: the panel, function detail, invoke, deploy and roll back."""

from screens.lambda_.panel import LambdaPanel

PANELS = (LambdaPanel,)
