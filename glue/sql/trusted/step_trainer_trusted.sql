-- Step trainer readings whose serialNumber belongs to a customer in customer_curated, that is a
-- customer in customer_trusted with accelerometer readings. The condition is spelled out over the
-- trusted tables (not read from customer_curated) so that the trusted zone is built and audited
-- before anything curated exists. Exact duplicate lines collapse to one reading.
SELECT DISTINCT
  s.sensorReadingTime,
  s.serialNumber,
  s.distanceFromObject
FROM step_trainer_landing s
WHERE s.serialNumber IN (
  SELECT c.serialNumber
  FROM customer_trusted c
  WHERE c.email IN (SELECT a.user FROM accelerometer_trusted a)
)
