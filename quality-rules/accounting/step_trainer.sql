-- Where each valid step trainer reading went: trusted, an exact duplicate, or excluded because the
-- device's customer did not consent, consented without accelerometer readings, or is unknown.
WITH distinct_records AS (
  SELECT DISTINCT * FROM step_trainer_landing
),
consenting_with_readings AS (
  SELECT c.serialNumber
  FROM customer_trusted c
  WHERE c.email IN (SELECT a.user FROM accelerometer_trusted a)
)
SELECT 'duplicate' AS outcome,
       (SELECT COUNT(*) FROM step_trainer_landing) - (SELECT COUNT(*) FROM distinct_records) AS records
UNION ALL
SELECT CASE
         WHEN d.serialNumber IN (SELECT w.serialNumber FROM consenting_with_readings w) THEN 'trusted'
         WHEN d.serialNumber IN (SELECT c.serialNumber FROM customer_trusted c) THEN 'no_accelerometer_readings'
         WHEN d.serialNumber IN (SELECT l.serialNumber FROM customer_landing l) THEN 'no_consent'
         ELSE 'unknown_device'
       END AS outcome,
       COUNT(*) AS records
FROM distinct_records d
GROUP BY 1
