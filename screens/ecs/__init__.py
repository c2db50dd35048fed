"""ECS / Fargate screens: the services panel."""

from screens.ecs.panel import EcsPanel

PANELS = (EcsPanel,)
