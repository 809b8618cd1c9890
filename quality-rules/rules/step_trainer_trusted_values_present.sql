-- severity: error
-- description: step_trainer_trusted rows carry serialNumber, sensorReadingTime and distanceFromObject
SELECT * FROM step_trainer_trusted s
WHERE s.serialNumber IS NULL OR s.sensorReadingTime IS NULL OR s.distanceFromObject IS NULL
