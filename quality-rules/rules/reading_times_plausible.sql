-- severity: warn
-- tolerance: 0
-- description: accelerometer readings are timed between 2000-01-01 and 2100-01-01 (epoch ms)
SELECT * FROM accelerometer_trusted a WHERE a.timestamp < 946684800000 OR a.timestamp >= 4102444800000
