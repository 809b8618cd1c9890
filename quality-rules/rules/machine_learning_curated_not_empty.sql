-- severity: error
-- description: machine_learning_curated is not empty
SELECT COUNT(*) AS readings FROM machine_learning_curated HAVING COUNT(*) = 0
