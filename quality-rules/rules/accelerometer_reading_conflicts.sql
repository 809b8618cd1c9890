-- severity: warn
-- description: one accelerometer reading per user and moment; two with different values conflict
SELECT a.user, a.timestamp, COUNT(*) AS readings
FROM accelerometer_trusted a
GROUP BY a.user, a.timestamp
HAVING COUNT(*) > 1
