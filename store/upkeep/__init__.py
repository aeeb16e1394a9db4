"""Keeping a workspace healthy: doctor's checks and repairs, backups, the daily snapshots."""
