-- severity: error
-- description: accelerometer_trusted rows carry user, timestamp and all three axes
SELECT * FROM accelerometer_trusted a
WHERE a.user IS NULL OR a.timestamp IS NULL OR a.x IS NULL OR a.y IS NULL OR a.z IS NULL
