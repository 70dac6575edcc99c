-- The planner may evaluate a LEAKPROOF function before row level security has filtered rows;
-- one that reveals its arguments (errors, notices, timing) leaks other tenants' values.
SELECT 'WARNING' AS severity, current_database() AS database,
       p.name AS object,
       format('Function %s is declared LEAKPROOF, so the planner may run it on rows before row level security filters '
              || 'them; if it can reveal its arguments (errors, notices, timing) other tenants'' values leak. '
              || 'Run ALTER FUNCTION %s NOT LEAKPROOF unless it is proven leak-free.',
              p.name,
              p.name) AS message
  FROM user_routine p
 WHERE p.proleakproof
