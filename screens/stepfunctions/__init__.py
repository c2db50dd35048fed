"""Step Functions screens: the state machines panel."""

from screens.stepfunctions.panel import StepFunctionsPanel

PANELS = (StepFunctionsPanel,)
