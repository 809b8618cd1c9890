-- Where each valid accelerometer reading went: trusted, an exact duplicate, or excluded because its
-- user did not consent (or revoked) or is no known customer.
WITH distinct_records AS (
  SELECT DISTINCT * FROM accelerometer_landing
)
SELECT 'duplicate' AS outcome,
       (SELECT COUNT(*) FROM accelerometer_landing) - (SELECT COUNT(*) FROM distinct_records) AS records
UNION ALL
SELECT CASE
         WHEN d.user IN (SELECT c.email FROM customer_trusted c) THEN 'trusted'
         WHEN d.user IN (SELECT l.email FROM customer_landing l) THEN 'no_consent'
         ELSE 'unknown_customer'
       END AS outcome,
       COUNT(*) AS records
FROM distinct_records d
GROUP BY 1
