"""The way in: feeds fetched, parsed and written as story files under the
editing rules, with the sync state, its journal, and retention."""
