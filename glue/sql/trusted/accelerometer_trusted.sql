-- Accelerometer readings whose user is a customer in customer_trusted. Producers deliver at least
-- once, so exact duplicate lines collapse to one reading.
SELECT DISTINCT
  a.user,
  a.timestamp,
  a.x,
  a.y,
  a.z
FROM accelerometer_landing a
WHERE a.user IN (SELECT c.email FROM customer_trusted c)
