"""`make bench`: the portal's performance, each figure against a baseline measured in the same run."""
