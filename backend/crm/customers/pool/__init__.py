"""The shared customer pool (公海): unowned customers salespeople claim and managers assign,
and the policies that return neglected customers to it. See docs/customer-pool.md."""
