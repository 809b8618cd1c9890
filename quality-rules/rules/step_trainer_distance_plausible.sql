-- severity: warn
-- description: a step trainer measures at most 10 m (1,000 cm) to the object in front of it
SELECT * FROM step_trainer_trusted s WHERE s.distanceFromObject > 1000
