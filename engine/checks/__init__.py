"""Checks on facts before and beside the rules: data quality, declared consistency, inspectors' verifications, waivers."""
