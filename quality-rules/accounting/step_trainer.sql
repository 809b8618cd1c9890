-- Where each valid step trainer reading went: trusted, an exact duplicate, or excluded because the
-- device's customer did not consent, consented without accelerometer readings, or is unknown. The
-- landing table is grouped once: each group is one distinct reading, classified by its device, and
-- its copies after the first are exact duplicates.
WITH distinct_readings AS (
  SELECT s.serialNumber, COUNT(*) AS copies
  FROM step_trainer_landing s
  GROUP BY s.sensorReadingTime, s.serialNumber, s.distanceFromObject
),
consenting_with_readings AS (
  SELECT c.serialNumber
  FROM customer_trusted c
  WHERE c.email IN (SELECT a.user FROM accelerometer_trusted a)
),
by_outcome AS (
  SELECT CASE
           WHEN d.serialNumber IN (SELECT w.serialNumber FROM consenting_with_readings w) THEN 'trusted'
           WHEN d.serialNumber IN (SELECT c.serialNumber FROM customer_trusted c) THEN 'no_accelerometer_readings'
           WHEN d.serialNumber IN (SELECT l.serialNumber FROM customer_landing l) THEN 'no_consent'
           ELSE 'unknown_device'
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
