-- Each step trainer reading joined to the accelerometer reading of the same customer at the same
-- moment: serialNumber -> customer -> email = user, and sensorReadingTime = timestamp. Joining on
-- time alone would pair readings of different customers.
SELECT
  s.sensorReadingTime,
  s.serialNumber,
  s.distanceFromObject,
  a.user,
  a.x,
  a.y,
  a.z
FROM step_trainer_trusted s
JOIN customer_curated c
  ON c.serialNumber = s.serialNumber
JOIN accelerometer_trusted a
  ON a.user = c.email
 AND a.timestamp = s.sensorReadingTime
