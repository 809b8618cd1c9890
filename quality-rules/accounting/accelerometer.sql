-- Where each valid accelerometer reading went: trusted, an exact duplicate, or excluded because its
-- user did not consent (or revoked) or is no known customer. The landing table is grouped once:
-- each group is one distinct reading, classified by its user, and its copies after the first are
-- exact duplicates.
WITH distinct_readings AS (
  SELECT a.user, COUNT(*) AS copies
  FROM accelerometer_landing a
  GROUP BY a.user, a.timestamp, a.x, a.y, a.z
),
by_outcome AS (
  SELECT CASE
           WHEN d.user IN (SELECT c.email FROM customer_trusted c) THEN 'trusted'
           WHEN d.user IN (SELECT l.email FROM customer_landing l) THEN 'no_consent'
           ELSE 'unknown_customer'
         END AS outcome,
         COUNT(*) AS readings,
         SUM(d.copies - 1) AS duplicates
  FROM distinct_readings d
  GROUP BY 1
)
-- One row per outcome and one of duplicates per outcome; the caller adds rows of the same outcome.
SELECT CASE WHEN k.kind = 'reading' THEN o.outcome ELSE 'duplicate' END AS outcome,
       CASE WHEN k.kind = 'reading' THEN o.readings ELSE o.duplicates END AS records
FROM by_outcome o
CROSS JOIN (VALUES ('reading'), ('duplicate')) AS k (kind)
