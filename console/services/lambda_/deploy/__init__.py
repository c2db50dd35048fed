"""Deploy and roll back Lambda functions through an alias (all at once, canary, linear).

package: what is deployed (reproducible zip, zip file, image); strategy: how traffic
moves; health: the new version's own metrics; engine: the steps, the watch, abort and
automatic rollback; resume: deploys in the audit trail. The actions themselves
(`lambda.deploy`, `lambda.rollback`, `lambda.promote`) are in console.services.lambda_.actions.
"""

from pathlib import Path

EXAMPLE_SOURCE = Path(__file__).parent / "example"  # a tiny handler: the read-only proof's source
