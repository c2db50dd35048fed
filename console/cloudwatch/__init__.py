"""CloudWatch, shared by every service: metrics (batched GetMetricData) and logs (the tail)."""
